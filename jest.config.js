/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/transforms', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleNameMapper: {
    '^tree-sitter$': '<rootDir>/test/native/tree-sitter.js',
    '^tree-sitter-python$': '<rootDir>/test/native/tree-sitter-python.js',
  },
  testTimeout: 120000,
};
