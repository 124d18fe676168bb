/** Resolves the project's dependencies from the API's build, so bench/ needs no dependencies of its own. */
const path = require('node:path');

const API_DIST = path.join(__dirname, '..', '..', 'apps', 'api', 'dist');

function need(name) {
  return require(require.resolve(name, { paths: [API_DIST, __dirname] }));
}

module.exports = { need, API_DIST };
