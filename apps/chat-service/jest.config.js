module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'chat-service',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
