import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, PAGE_LOADERS } from './app/App';
import { routeOfPath } from './app/router';
import { prefetchOverview } from './pages/overview/queries';
import './styles.css';

const route = routeOfPath(window.location.pathname);
if (route === 'overview') prefetchOverview(window.location.search);
// The first page's chunk before the first render, so that it appears without a loading state in between.
const first = route ? await PAGE_LOADERS[route]().catch(() => null) : null;

createRoot(document.getElementById('root')!).render(<StrictMode><App firstPage={route && first ? { route, Page: first.default } : null} /></StrictMode>);
