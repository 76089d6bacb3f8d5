// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // Rendering @grafana/ui components in jsdom is slow on a cold cache; 5 s is not always enough.
  testTimeout: 30000,
  transform: {
    ...base.transform,
    // d3-color 3.1 (via @grafana/data) ships only .mjs, which the scaffold's pattern does not cover.
    '^.+\\.mjs$': swcTransform,
  },
};
