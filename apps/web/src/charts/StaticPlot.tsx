import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'react';

/** A decorative chart (its numbers are stated in text nearby), hidden from assistive technology. */
export function StaticPlot({ spec, className }: { spec: (width: number) => Plot.PlotOptions; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const ro = new ResizeObserver(([e]) => setWidth(Math.floor(e.contentRect.width)));
    ro.observe(box.current!);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (!width) return;
    const plot = Plot.plot(spec(width));
    plot.querySelectorAll('[aria-label]').forEach((el) => { el.setAttribute('data-mark', el.getAttribute('aria-label') ?? ''); el.removeAttribute('aria-label'); });
    box.current!.replaceChildren(plot);
  }, [spec, width]);
  return <div ref={box} className={className} aria-hidden="true" />;
}
