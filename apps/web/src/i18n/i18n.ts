import { useCallback } from 'react';
import { METRICS, type MetricDefinition } from '@uitkomst/domain/metrics';
import { CLIENT_GROUP_LABELS, isClientGroup } from '@uitkomst/domain/client-groups';
import { useQuery } from '../app/router';
import { en } from './en';
import { type Lang, langOf } from './lang';
import { nl, type MessageKey } from './nl';

const DICTS: Record<Lang, Record<MessageKey, string>> = { nl, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return (DICTS[lang][key] ?? String(key)).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Translations for a key that is built at run time (e.g. a suppression reason from the API). */
export function hasKey(key: string): key is MessageKey {
  return key in nl;
}

export function useLang(): Lang {
  const [query] = useQuery();
  return langOf(query.lang);
}

export function useT(): { lang: Lang; t: Translate } {
  const lang = useLang();
  const t = useCallback<Translate>((key, vars) => translate(lang, key, vars), [lang]);
  return { lang, t };
}

export function metricLabel(code: string, lang: Lang): string {
  return METRICS.find((m) => m.code === code)?.label[lang] ?? code;
}

export function metricDef(code: string): MetricDefinition | undefined {
  return METRICS.find((m) => m.code === code);
}

export function clientGroupLabel(code: string, lang: Lang): string {
  if (isClientGroup(code)) return CLIENT_GROUP_LABELS[code][lang];
  return translate(lang, 'allClients');
}

export function suppressionText(reason: string | null | undefined, lang: Lang): string {
  const key = `suppression.${reason ?? 'unknown'}`;
  return translate(lang, hasKey(key) ? key : 'suppression.unknown');
}
