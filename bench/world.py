"PixelWorld rendering speed on one core: scenes per second (goal: >= 200 image scenes/s at 128 px)."
import os, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
import cv2
cv2.setNumThreads(1)
from pixelis_nb.world import WorldConfig, make_sample, TASK_TYPES, VIDEO_TASKS, DIFFICULTIES

def rate(cfg, tasks, n, shift='none', severity=0):
    make_sample(0, tasks[0], cfg=cfg)
    t0, k = time.perf_counter(), 0
    for seed in range(n):
        for task in tasks:
            make_sample(seed, task, DIFFICULTIES[seed % 3], shift, severity, cfg); k += 1
    return k / (time.perf_counter() - t0)

if __name__ == '__main__':
    image_tasks = [t for t in TASK_TYPES if t not in VIDEO_TASKS]
    for size in (64, 128, 256):
        cfg = WorldConfig(image_size=size)
        print(f'image_scenes_per_s_{size}px: {rate(cfg, image_tasks, 100):.0f} scenes/s')
        if size == 128:
            for t in image_tasks: print(f'{t}_per_s_128px: {rate(cfg, [t], 150):.0f} scenes/s')
            print(f'image_scenes_per_s_128px_jpeg3: {rate(cfg, image_tasks, 100, "jpeg", 3):.0f} scenes/s')
    for frames, vs in ((16, 64), (32, 128)):
        cfg = WorldConfig(video_frames=frames, video_size=vs)
        print(f'videos_per_s_{frames}x{vs}px: {rate(cfg, list(VIDEO_TASKS), 30):.0f} videos/s')
