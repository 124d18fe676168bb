import { metricByCode } from '@uitkomst/domain/metrics';
import type { FeatureCollection } from 'geojson';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useMetrics } from '../../api/hooks';
import type { MetricRow } from '../../api/types';
import { Link } from '../../app/Link';
import { hrefFor } from '../../app/router';
import { ChartFigure, type SpecContext } from '../../charts/ChartFigure';
import { mapSpec, type RegionDatum, type Tile, tiles, tileSpec } from '../../charts/specs/map';
import { ComparisonLegend } from '../../components/Comparison';
import { MetricTable } from '../../components/MetricTable';
import { Empty, ErrorState, Loading } from '../../components/States';
import { metricLabel, useT } from '../../i18n/i18n';
import { describeRow } from '../../lib/describe';
import { formatPeriod, formatValue } from '../../lib/format';
import { loadRegionBoundaries } from '../../map/geo';
import { regionMapQuery } from './queries';

type Boundaries = { state: 'loading' } | { state: 'ok'; fc: FeatureCollection | null };

export function useBoundaries(): Boundaries {
  const [b, setB] = useState<Boundaries>({ state: 'loading' });
  useEffect(() => { let live = true; loadRegionBoundaries().then((fc) => live && setB({ state: 'ok', fc })); return () => { live = false; }; }, []);
  return b;
}

export function RegionMap({ metric, period }: { metric: string; period: string }) {
  const { lang, t } = useT();
  const def = metricByCode(metric);
  const rows = useMetrics(regionMapQuery(metric, period));
  const boundaries = useBoundaries();
  const data = useMemo(() => new Map((rows.state === 'ok' ? rows.data : []).map((r): [string, RegionDatum] => [r.unit, {
    code: r.unit, name: r.unitName, comparison: r.comparison, suppressed: r.suppressed,
    text: describeRow(r, def, lang, t), valueText: r.suppressed ? '∅' : formatValue(def, r.value, lang),
  }])), [rows, def, lang, t]);
  const tileItems = useMemo(() => tiles(data), [data]);
  const fc = boundaries.state === 'ok' ? boundaries.fc : null;
  const geoSpec = useCallback(({ width, selected }: SpecContext<RegionDatum>) => mapSpec(fc!, data, { width, selected }), [fc, data]);
  const gridSpec = useCallback(({ width, selected }: SpecContext<Tile>) => tileSpec(tileItems, { width, selected }), [tileItems]);
  const points = useMemo(() => [...data.values()].sort((a, b) => a.name.localeCompare(b.name)), [data]);

  if (rows.state === 'loading' || boundaries.state === 'loading') return <Loading />;
  if (rows.state === 'error') return <ErrorState error={rows.error} />;
  if (!rows.data.length) return <Empty />;
  const title = `${metricLabel(metric, lang)}, ${formatPeriod(period, lang)}`;
  const table = <RegionTable rows={rows.data} metric={metric} />;
  return (
    <div className="map-block">
      <div>
        {fc ? (
          <ChartFigure name={`map-${metric}-${period}`} title={title} description={t('overview.mapAlt')} spec={geoSpec} points={points} describe={(d) => d.text} legend={<ComparisonLegend />} />
        ) : (
          <>
            <p className="note">{t('overview.tileFallback')}</p>
            <ChartFigure name={`tiles-${metric}-${period}`} title={title} description={t('overview.mapAlt')} spec={gridSpec} points={tileItems} describe={(d) => d.text} legend={<ComparisonLegend />} />
          </>
        )}
      </div>
      <div className="map-table">{table}</div>
    </div>
  );
}

function RegionTable({ rows, metric }: { rows: MetricRow[]; metric: string }) {
  const { lang, t } = useT();
  return (
    <MetricTable rows={rows} metric={metricByCode(metric)} caption={`${metricLabel(metric, lang)} — ${t('levels.region')}`} maxHeight={760}
      unitCell={(r) => <Link href={hrefFor('profile', { unit: r.unit, period: r.period }, lang)}>{r.unitName}</Link>} />
  );
}
