import * as Plot from '@observablehq/plot';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n/i18n';
import { savePng, saveSvg } from './export';

export interface SpecContext<R> { width: number; selected: R | null }

/**
 * A Plot chart with what every chart here needs: a title and description, hover tips, keyboard stepping
 * through the points with an exact-figures readout, SVG/PNG export and the data behind it as a table.
 */
export function ChartFigure<R>({ name, title, description, spec, points = [], describe, table, legend, minWidth = 320 }: {
  name: string; title: string; description?: ReactNode;
  spec: (ctx: SpecContext<R>) => Plot.PlotOptions;
  points?: readonly R[]; describe?: (row: R) => string;
  table?: ReactNode; legend?: ReactNode; minWidth?: number;
}) {
  const { t } = useT();
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [index, setIndex] = useState<number | null>(null);
  const [hover, setHover] = useState<R | null>(null);
  const selected = index !== null ? points[index] ?? null : null;

  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(([entry]) => setWidth(Math.max(minWidth, Math.floor(entry.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, [minWidth]);

  useEffect(() => { setIndex(null); setHover(null); }, [points]);

  useEffect(() => {
    if (!width) return;
    const plot = Plot.plot(spec({ width, selected })) as (SVGSVGElement | HTMLElement) & { value?: unknown };
    plot.addEventListener('input', () => setHover((plot.value as R) ?? null));
    labelForAssistiveTech(plot, title);
    box.current!.replaceChildren(plot);
  }, [spec, width, selected, title]);

  const onKey = (e: KeyboardEvent) => {
    if (!points.length) return;
    const last = points.length - 1;
    const next: Record<string, () => number | null> = {
      ArrowRight: () => (index === null ? 0 : Math.min(last, index + 1)),
      ArrowDown: () => (index === null ? 0 : Math.min(last, index + 1)),
      ArrowLeft: () => (index === null ? last : Math.max(0, index - 1)),
      ArrowUp: () => (index === null ? last : Math.max(0, index - 1)),
      Home: () => 0,
      End: () => last,
      Escape: () => null,
    };
    if (next[e.key]) { e.preventDefault(); setIndex(next[e.key]()); }
  };

  const svg = () => box.current?.querySelector('svg') as SVGSVGElement | null;
  const current = selected ?? hover;
  const file = `uitkomst-${name}`;
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <div>
          <h3 id={`${id}-title`}>{title}</h3>
          {description && <p className="chart-desc" id={`${id}-desc`}>{description}</p>}
        </div>
        <div className="chart-tools">
          <button type="button" className="button small" onClick={() => { const s = svg(); if (s) saveSvg(s, file); }}>{t('saveSvg')}</button>
          <button type="button" className="button small" onClick={() => { const s = svg(); if (s) void savePng(s, file); }}>{t('savePng')}</button>
        </div>
      </div>
      {legend}
      <div
        ref={box}
        className="chart-canvas"
        tabIndex={points.length ? 0 : -1}
        role="group"
        aria-label={title}
        aria-describedby={describe ? `${id}-readout` : undefined}
        onKeyDown={onKey}
        onBlur={() => setIndex(null)}
        data-chart={name}
      />
      {describe && (
        <p className="chart-readout" id={`${id}-readout`} aria-live="polite">
          {current ? describe(current) : `${t('chartReadoutIdle')}`}
        </p>
      )}
      {table && (
        <details className="chart-data">
          <summary>{t('showData')}</summary>
          {table}
        </details>
      )}
    </figure>
  );
}

/**
 * Plot puts aria-label on plain <g> groups, which ARIA prohibits. The chart is one image for assistive
 * technology (named by its title; the readout and the table carry the figures), so the mark names move to data-mark.
 */
export function labelForAssistiveTech(plot: Element, title: string) {
  const svg = plot.tagName.toLowerCase() === 'svg' ? plot : plot.querySelector('svg');
  plot.querySelectorAll('[aria-label]').forEach((el) => {
    if (el === svg) return;
    el.setAttribute('data-mark', el.getAttribute('aria-label') ?? '');
    el.removeAttribute('aria-label');
  });
  plot.querySelectorAll('[aria-description]').forEach((el) => el.removeAttribute('aria-description'));
  svg?.setAttribute('role', 'img');
  svg?.setAttribute('aria-label', title);
}
