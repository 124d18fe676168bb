/**
 * What several modules share within one bench run: fixture sets, stopped app templates (registry imported,
 * admin key) and cleanup at the end. Everything lives in temporary folders.
 */
const { prepareTemplate } = require('./app-process');
const { fixtureSet, cleanup: cleanupFixtures } = require('./fixtures');

const templates = new Map();
const cleanups = [];

/** Fixture set and app template of one scale (and month window), made once per bench run. */
function prepared(scale, window = {}) {
  const key = `${scale}-${window.from ?? ''}-${window.to ?? ''}`;
  if (!templates.has(key)) {
    templates.set(key, (async () => {
      const set = fixtureSet(scale, window);
      const template = await prepareTemplate(set.registry);
      cleanups.push(() => template.drop());
      return { set, template };
    })());
  }
  return templates.get(key);
}

function onCleanup(fn) {
  cleanups.push(fn);
}

async function cleanupAll() {
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch((err) => console.error(`  cleanup: ${err.message}`));
  templates.clear();
  cleanupFixtures();
}

module.exports = { prepared, onCleanup, cleanupAll };
