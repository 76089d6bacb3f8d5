/*
 * Jest resolver of the React 19 pass (npm run test:react19): the packages this directory's
 * package.json installs (React 19, @grafana/* 13, Testing Library) come from its node_modules,
 * whoever imports them, so no module ever meets React 18. Other bare imports of the project's own
 * files also look here first; everything else (jest, swc, identity-obj-proxy, ...) resolves as in
 * the root project. Imports inside this directory's node_modules resolve as node does.
 */
const path = require('path');

const runtimeDir = __dirname;
const runtimeModules = path.join(runtimeDir, 'node_modules') + path.sep;
const { dependencies } = require('./package.json');
const pinned = Object.keys(dependencies);

const packageName = (request) =>
  request
    .split('/')
    .slice(0, request.startsWith('@') ? 2 : 1)
    .join('/');
const isBare = (request) => !request.startsWith('.') && !path.isAbsolute(request);

module.exports = (request, options) => {
  if (isBare(request) && !options.basedir.startsWith(runtimeModules)) {
    const fromRuntime = { ...options, basedir: runtimeDir };
    if (pinned.includes(packageName(request))) {
      return options.defaultResolver(request, fromRuntime);
    }
    if (!options.basedir.split(path.sep).includes('node_modules')) {
      try {
        return options.defaultResolver(request, fromRuntime);
      } catch {
        // not a runtime package: the root project's
      }
    }
  }
  return options.defaultResolver(request, options);
};
