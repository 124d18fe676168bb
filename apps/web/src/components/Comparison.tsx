import type { Comparison } from '@uitkomst/domain/metrics';
import { suppressionText, useT } from '../i18n/i18n';
import { COMPARISON_COLOURS, COMPARISON_GLYPHS, COMPARISON_ORDER } from '../lib/comparison';

export function ComparisonBadge({ comparison, reference }: { comparison: Comparison; reference?: string }) {
  const { t } = useT();
  const ref = reference ?? t('referenceNational');
  return (
    <span className={`cmp cmp-${comparison}`} title={t(`comparisonLong.${comparison}`, { reference: ref })}>
      <span aria-hidden="true" style={{ color: COMPARISON_COLOURS[comparison] }}>{COMPARISON_GLYPHS[comparison]}</span> {t(`comparison.${comparison}`)}
    </span>
  );
}

export function ComparisonLegend({ reference }: { reference?: string }) {
  const { t } = useT();
  return (
    <div className="legend">
      <span>{t('legendTitle', { reference: reference ?? t('referenceNational') })}</span>
      <ul>
        {COMPARISON_ORDER.map((c) => (
          <li key={c}><span aria-hidden="true" className="glyph" style={{ color: COMPARISON_COLOURS[c] }}>{COMPARISON_GLYPHS[c]}</span> {t(`comparison.${c}`)}</li>
        ))}
      </ul>
    </div>
  );
}

export function Suppressed({ reason }: { reason: string | null | undefined }) {
  const { lang, t } = useT();
  const why = suppressionText(reason, lang);
  return <span className="suppressed" title={why}>{t('suppressed')}<span className="visually-hidden">: {why}</span><span aria-hidden="true"> ⓘ</span></span>;
}

export function SuppressedFull({ reason }: { reason: string | null | undefined }) {
  const { lang, t } = useT();
  return <span className="suppressed">{t('suppressedWhy', { reason: suppressionText(reason, lang) })}</span>;
}
