// Shared Jest settings: SWC keeps the suite fast on 2 cores; path aliases mirror tsconfig.base.json.
const path = require('node:path');
const swcrc = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@rag/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
    '^@rag/platform$': path.join(__dirname, 'libs/platform/src/index.ts'),
    '^@rag/platform/testing$': path.join(__dirname, 'libs/platform/src/testing/index.ts'),
    '^@rag/ai$': path.join(__dirname, 'libs/ai/src/index.ts'),
    '^@rag/testing$': path.join(__dirname, 'libs/testing/src/index.ts'),
  },
};
