import { useEffect } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n/i18n';

const isNoRelease = (error: Error) => error instanceof ApiError && error.status === 404 && /no release/i.test(error.message);

export function Loading({ label }: { label?: string }) {
  const { t } = useT();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('loading')}</span>
      <div className="skeleton" aria-hidden="true"><span /><span /><span /></div>
    </div>
  );
}

export function ErrorState({ error }: { error: Error }) {
  const { t } = useT();
  if (isNoRelease(error)) return <NoReleaseYet />;
  return (
    <div className="state state-error" role="alert">
      <strong>{t('errorTitle')}</strong>
      <p>{t('errorText', { message: error.message })}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>{t('retry')}</button>
    </div>
  );
}

export function Empty({ title, text }: { title?: string; text?: string }) {
  const { t } = useT();
  return (
    <div className="state state-empty" role="status">
      <svg aria-hidden="true" width="40" height="40" viewBox="0 0 40 40"><rect x="4" y="22" width="6" height="12" rx="1" /><rect x="17" y="14" width="6" height="20" rx="1" opacity=".5" /><rect x="30" y="6" width="6" height="28" rx="1" opacity=".25" /></svg>
      <strong>{title ?? t('emptyTitle')}</strong>
      <p>{text ?? t('emptyText')}</p>
    </div>
  );
}

/** Before the first release (e.g. while demo data loads on first start): explain, and look again every 15 s. */
function NoReleaseYet() {
  const { t } = useT();
  useEffect(() => {
    const timer = window.setTimeout(() => window.location.reload(), 15000);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <div className="state state-empty" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <strong>{t('noReleaseTitle')}</strong>
      <p>{t('noReleaseText')}</p>
    </div>
  );
}
