/** Unit and HTTP tests run against sources; real PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise. */
const moduleNameMapper = {
  '^@uitkomst/(domain|stats|warehouse|sql-runner)$': '<rootDir>/libs/$1/src',
  '^@uitkomst/fixtures$': '<rootDir>/fixtures/src',
};
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps/api', '<rootDir>/fixtures'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper,
  testTimeout: 120000,
};
module.exports.moduleNameMapper = moduleNameMapper;
