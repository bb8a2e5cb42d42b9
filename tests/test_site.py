"""The offline docs site as a reader sees it: pages rendered by headless Chromium (Debian's `chromium`, installed by CI).

Checks: equations typeset by the vendored MathJax (no raw TeX left in the text), figures loaded, tables present,
sidebar links resolving to pages, and no page wider than a 1280-pixel window. By default three pages are built here;
with $PIXELIS_SITE set (CI, after `pixelis docs`), every page of that site is checked. Without a browser the test is
skipped, unless $PIXELIS_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure."""
import json, os, re, shutil, subprocess
from pathlib import Path
from urllib.parse import urlparse
import pytest

PAGES = ['index.ipynb', '10_tools.ipynb', '15_rewards.ipynb']   # a plain page; figures and tables; equations
WIDTH = 1280

PROBE = r"""<script>
function pixelisProbe() {
  var main = document.querySelector('main') || document.body;
  var raw = [], tw = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, null, false), n;
  while ((n = tw.nextNode())) {
    var code = n.parentNode.closest('pre, code, script, style');
    if (!code && /\$\$|\\[a-zA-Z]{2,}/.test(n.nodeValue)) raw.push(n.nodeValue.slice(0, 80));
  }
  var prompts = Array.prototype.filter.call(document.querySelectorAll('main div, main span'), function (e) {
    return e.offsetParent !== null && e.children.length === 0 && /^\s*(In|Out)\s*\[[ 0-9]*\]:\s*$/.test(e.textContent);
  }).length;
  var imgs = Array.prototype.slice.call(document.images);
  var r = {prompts: prompts, math: document.querySelectorAll('.MathJax, .MathJax_Display').length, raw_tex: raw,
           math_errors: document.querySelectorAll('.MathJax_Error').length,
           imgs: imgs.length, broken: imgs.filter(function (m) { return !(m.complete && m.naturalWidth > 0); }).length,
           tables: main.querySelectorAll('table').length,
           scroll_w: document.documentElement.scrollWidth, view_w: window.innerWidth,
           links: Array.prototype.map.call(document.querySelectorAll('nav a'), function (a) { return a.href; })};
  var p = document.createElement('pre');
  p.id = 'pixelis-probe';
  p.textContent = JSON.stringify(r);
  document.body.appendChild(p);
}
window.addEventListener('load', function () {
  if (window.MathJax && MathJax.Hub) MathJax.Hub.Register.StartupHook('End', function () { MathJax.Hub.Queue(pixelisProbe); });
  else pixelisProbe();
});
</script>"""

def _browser():
    exe = next((shutil.which(b) for b in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(b)), None)
    if exe is None:
        if os.environ.get('PIXELIS_REQUIRE_BROWSER') == '1': pytest.fail('no chromium on PATH: apt-get install chromium')
        pytest.skip('no chromium on PATH (CI installs it: apt-get install chromium)')
    return exe

def probe(page:Path, browser:str) -> dict:
    "Render `page` in headless Chromium and return what the reader would see (see PROBE)."
    tmp = page.with_name('_probe_' + page.name)
    tmp.write_text(page.read_text().replace('</body>', PROBE + '</body>'))
    try:
        out = subprocess.run([browser, '--headless', '--no-sandbox', '--disable-gpu', f'--window-size={WIDTH},900',
                              '--virtual-time-budget=20000', '--dump-dom', tmp.as_uri()],
                             capture_output=True, text=True, timeout=180)
    finally: tmp.unlink()
    m = re.search(r'<pre id="pixelis-probe">(.*?)</pre>', out.stdout, re.S)
    assert m, f'{page.name}: the probe did not run; chromium said:\n{out.stderr[-1500:]}'
    return json.loads(m.group(1).replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>'))

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    if os.environ.get('PIXELIS_SITE'): return Path(os.environ['PIXELIS_SITE']).resolve()
    from pixelis_nb.docs import build_offline_docs
    out = tmp_path_factory.mktemp('site')
    build_offline_docs(out, only=PAGES)
    return out

def _problems(page:Path, r:dict) -> list[str]:
    bad = []
    if r['raw_tex']: bad.append(f"raw TeX in the text: {r['raw_tex'][:3]}")
    if r['math_errors']: bad.append(f"{r['math_errors']} MathJax errors")
    if r['broken']: bad.append(f"{r['broken']} of {r['imgs']} images did not load")
    if r['prompts']: bad.append(f"{r['prompts']} notebook prompts (In [ ]:, Out[ ]:) shown")
    if r['scroll_w'] > r['view_w']: bad.append(f"page is {r['scroll_w']} px wide in a {r['view_w']} px window")
    dead = [h for h in r['links'] if not Path(urlparse(h).path).exists()]
    if dead: bad.append(f'sidebar links to missing pages: {dead}')
    return bad

def test_pages_render_for_a_reader(site):
    browser = _browser()
    pages = sorted(p for p in site.glob('*.html') if not p.name.startswith('_probe_'))
    assert len(pages) >= 3, f'too few pages in {site}: {[p.name for p in pages]}'
    seen = {p.name: probe(p, browser) for p in pages}
    bad = {n: b for n, r in seen.items() if (b := _problems(site/n, r))}
    assert not bad, '\n'.join(f'{n}: {"; ".join(b)}' for n, b in bad.items())
    for n, r in seen.items(): assert len(r['links']) > 1, f"{n}: no sidebar links: {r['links']}"
    if 'rewards.html' in seen: assert seen['rewards.html']['math'] > 20, seen['rewards.html']
    if 'tools.html' in seen:
        r = seen['tools.html']
        assert r['imgs'] >= 3 and r['tables'] >= 3 and r['math'] > 0, r

def test_probe_sees_raw_tex_without_mathjax(site, tmp_path):
    "The check can fail: the equations page without its MathJax script shows raw TeX and no typeset math."
    browser = _browser()
    src = site/'rewards.html'
    if not src.exists(): pytest.skip('no rewards.html in this site')
    page = tmp_path/'rewards.html'
    page.write_text(re.sub(r'<script src="mathjax/MathJax\.js[^"]*"></script>', '', src.read_text()))
    r = probe(page, browser)
    assert r['math'] == 0 and len(r['raw_tex']) > 5, r
