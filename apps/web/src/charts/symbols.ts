import type { Comparison } from '@uitkomst/domain/metrics';
import { COMPARISON_COLOURS } from '../lib/comparison';

type Ctx = { moveTo(x: number, y: number): void; lineTo(x: number, y: number): void; closePath(): void; arc(x: number, y: number, r: number, a0: number, a1: number): void };

/** Symbols in d3's {draw} shape, so Plot uses them unscaled: the shape repeats what the colour says. */
const triangle = (dir: 1 | -1) => ({
  draw(ctx: Ctx, size: number) {
    const s = Math.sqrt(size) * 0.78;
    ctx.moveTo(0, -s * dir);
    ctx.lineTo(s, s * 0.75 * dir);
    ctx.lineTo(-s, s * 0.75 * dir);
    ctx.closePath();
  },
});
const circle = { draw(ctx: Ctx, size: number) { const r = Math.sqrt(size / Math.PI); ctx.moveTo(r, 0); ctx.arc(0, 0, r, 0, 2 * Math.PI); } };

export const COMPARISON_SYMBOLS: Record<Comparison, object> = { better: triangle(1), similar: circle, worse: triangle(-1), not_comparable: circle };

export const symbolOf = (c: Comparison) => COMPARISON_SYMBOLS[c] ?? circle;
export const fillOf = (c: Comparison) => (c === 'not_comparable' ? '#ffffff' : COMPARISON_COLOURS[c] ?? COMPARISON_COLOURS.not_comparable);
export const strokeOf = (c: Comparison) => COMPARISON_COLOURS[c] ?? COMPARISON_COLOURS.not_comparable;
