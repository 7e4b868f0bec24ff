// All test projects; e2e runs the built services, so `npm test` builds first.
module.exports = {
  projects: [
    '<rootDir>/libs/contracts',
    '<rootDir>/libs/platform',
    '<rootDir>/libs/ai',
    '<rootDir>/apps/gateway',
    '<rootDir>/apps/ingest-service',
    '<rootDir>/apps/retrieval-service',
    '<rootDir>/apps/chat-service',
    '<rootDir>/tests/e2e',
    '<rootDir>/bench',
  ],
  maxWorkers: 2,
  // A global option: per-project testTimeout is ignored in multi-project runs. Integration and e2e
  // tests start processes and must not fail on a busy 2-core machine.
  testTimeout: 120_000,
};
