import { lazy, Suspense, useEffect } from 'react';
import { Loading } from '../components/States';
import { useLatestRelease } from '../api/hooks';
import { useT } from '../i18n/i18n';
import { Link } from './Link';
import { hrefFor, ROUTES, type RouteName, routeOfPath, useLocationKey, useQuery } from './router';

type PageComponent = () => React.JSX.Element;

/** Each page is its own chunk. */
export const PAGE_LOADERS: Record<RouteName, () => Promise<{ default: PageComponent }>> = {
  overview: () => import('../pages/Overview'),
  compare: () => import('../pages/Compare'),
  profile: () => import('../pages/Profile'),
  cooperation: () => import('../pages/Cooperation'),
  data: () => import('../pages/Data'),
  method: () => import('../pages/Method'),
  submit: () => import('../pages/Submit'),
};

const PAGES = Object.fromEntries(Object.entries(PAGE_LOADERS).map(([name, load]) => [name, lazy(load)])) as Record<RouteName, React.LazyExoticComponent<PageComponent>>;

/** The page of the first URL, loaded before the first render (see main.tsx). */
export interface FirstPage { route: RouteName; Page: PageComponent }

export function App({ firstPage }: { firstPage?: FirstPage | null }) {
  const location = useLocationKey();
  const route = routeOfPath(location.split('?')[0]);
  const { lang, t } = useT();
  const [, setQuery] = useQuery();

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${route ? t(`nav.${route}`) : t('notFoundTitle')} · ${t('appName')}`;
  }, [lang, route, t]);

  // The first page renders without suspending: React holds back content revealed after a fallback for a while.
  const Page = route ? (firstPage?.route === route ? firstPage.Page : PAGES[route]) : null;
  return (
    <>
      <a className="skip" href="#main">{t('skipToContent')}</a>
      <header className="site-header">
        <div className="wrap header-inner">
          <Link href={hrefFor('overview', {}, lang)} className="brand">
            <svg aria-hidden="true" width="28" height="28" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#154273" /><path d="M4 11l3-4 2 2 3-5" stroke="white" strokeWidth="1.6" fill="none" /></svg>
            <span><strong>{t('appName')}</strong><small>{t('tagline')}</small></span>
          </Link>
          <button type="button" className="button lang-switch" lang={lang === 'nl' ? 'en' : 'nl'} aria-label={t('switchLangLabel')} onClick={() => setQuery({ lang: lang === 'nl' ? 'en' : null })}>
            {t('switchLang')}
          </button>
        </div>
        <nav aria-label={t('mainNav')} className="main-nav">
          <ul className="wrap">
            {ROUTES.map((r) => (
              <li key={r.name}><Link href={hrefFor(r.name, {}, lang)} aria-current={r.name === route ? 'page' : undefined}>{t(`nav.${r.name}`)}</Link></li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="wrap" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {Page ? <Page /> : <NotFound />}
        </Suspense>
      </main>
      <Footer />
    </>
  );
}

function NotFound() {
  const { t, lang } = useT();
  return <section><h1>{t('notFoundTitle')}</h1><p><Link href={hrefFor('overview', {}, lang)}>{t('notFoundText')}</Link></p></section>;
}

function Footer() {
  const { t } = useT();
  const release = useLatestRelease();
  const id = release.state === 'ok' ? String(release.data.version ?? release.data.label ?? release.data.id ?? '') : '';
  return (
    <footer className="site-footer">
      <div className="wrap">
        {id && <p>{t('releaseInfo', { release: id })}</p>}
        <p>{t('footer')}</p>
      </div>
    </footer>
  );
}
