// A uPlot chart as a Preact component: made once per data shape, resized with its box.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

export function Chart({ options, data, height = 260 }: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const plot = new uPlot({ ...options, width: box.current.clientWidth || 800, height }, data, box.current);
    const observer = new ResizeObserver(() => box.current && plot.setSize({ width: box.current.clientWidth, height }));
    observer.observe(box.current);
    return () => (observer.disconnect(), plot.destroy());
  }, [options, data, height]);
  return <div class="chart" ref={box} />;
}

export { uPlot };
