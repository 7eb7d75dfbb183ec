// A banner on every page while the server's disk is full (from /healthz), so staff know why changes
// fail with 507 before they try; it goes away by itself when space returns.
import { useEffect, useState } from 'preact/hooks';
import { pick } from './i18n.js';

const POLL_MS = 30_000;
const words = pick(
  { full: '服务器磁盘已满：上传和修改都无法保存，请联系管理员腾出空间。播放不受影响。', free: '剩余' },
  { full: "The server's disk is full: uploads and changes cannot be saved; ask the administrator to free space. Screens keep airing.", free: 'free' },
);

export function DiskBanner() {
  const [disk, setDisk] = useState<{ isFull: boolean; freeBytes: number } | null>(null);
  useEffect(() => {
    const check = () =>
      fetch('/healthz')
        .then((r) => r.json())
        .then((h: { disk?: { isFull: boolean; freeBytes: number } | null }) => setDisk(h.disk ?? null), () => undefined);
    void check();
    const timer = setInterval(check, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  if (!disk?.isFull) return null;
  return (
    <div class="disk-full" role="alert" data-testid="disk-full">
      {words.full} ({words.free} {(disk.freeBytes / 1024 / 1024).toFixed(1)} MB)
    </div>
  );
}
