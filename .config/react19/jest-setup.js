// Fails the pass at once if the resolver ever hands the suites another runtime than this one.
const expected = require('./package.json').dependencies;
const actual = {
  react: require('react').version,
  'react-dom': require('react-dom').version,
  '@grafana/data': require('@grafana/data/package.json').version,
  '@grafana/runtime': require('@grafana/runtime/package.json').version,
  '@grafana/ui': require('@grafana/ui/package.json').version,
};
for (const [name, version] of Object.entries(actual)) {
  if (version !== expected[name]) {
    throw new Error(`React 19 pass: ${name} is ${version}, want ${expected[name]} (see .config/react19/resolver.js)`);
  }
}
