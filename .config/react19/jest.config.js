/*
 * The second jest pass: the same suites as `npm run test:ci`, on the runtime Grafana 13.2+ gives
 * plugins (React 19, @grafana/data, runtime, ui 13), installed in this directory from its own lock
 * file (npm ci --prefix .config/react19). Run it with `npm run test:react19`.
 */
const path = require('path');

const base = require('../../jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('../jest/utils');

// ESM-only packages that @grafana/* 13 load in these suites, on top of the scaffold's list for 12.
const grafana13ESModules = ['@react-hookz', '@ver0'];

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  displayName: 'react19',
  resolver: path.join(__dirname, 'resolver.js'),
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...grafana13ESModules])],
  setupFilesAfterEnv: [...base.setupFilesAfterEnv, path.join(__dirname, 'jest-setup.js')],
};
