import { expandFilter, variableOptions } from './variables';
import { fakeTemplateSrv, FakeVariable } from './test/templateSrv';

const variables: FakeVariable[] = [
  { name: 'cluster', current: { value: 'prod-eu' }, options: ['prod-eu', 'prod-us'] },
  { name: 'clusters', current: { value: ['prod-eu', 'prod-us'] }, options: ['prod-eu', 'prod-us', 'dev'] },
  { name: 'everything', current: { value: ['$__all'] }, options: ['a', 'b', 'c'] },
  { name: 'wildcard', current: { value: '$__all' }, options: ['a', 'b'], allValue: '.*' },
  { name: 'none', current: { value: [] }, options: ['a'] },
  { name: 'env', current: { value: ['eu', 'us'] }, options: ['eu', 'us'] },
];
const srv = fakeTemplateSrv(variables);

describe('expandFilter', () => {
  it('keeps literal values and drops empty entries and duplicates', () => {
    expect(expandFilter(['a', '', 'b', 'a'], {}, srv)).toEqual(['a', 'b']);
    expect(expandFilter(undefined, {}, srv)).toEqual([]);
  });

  it('replaces a single-value variable in every syntax', () => {
    expect(expandFilter(['$cluster'], {}, srv)).toEqual(['prod-eu']);
    expect(expandFilter(['${cluster}'], {}, srv)).toEqual(['prod-eu']);
    expect(expandFilter(['[[cluster]]'], {}, srv)).toEqual(['prod-eu']);
  });

  it('expands a multi-value variable into several entries, never a glob or regex', () => {
    expect(expandFilter(['$clusters', 'dev'], {}, srv)).toEqual(['prod-eu', 'prod-us', 'dev']);
  });

  it('ignores a :format suffix, which would join the values into one string', () => {
    expect(expandFilter(['${clusters:csv}'], {}, srv)).toEqual(['prod-eu', 'prod-us']);
    expect(expandFilter(['[[clusters:pipe]]'], {}, srv)).toEqual(['prod-eu', 'prod-us']);
  });

  it('expands "All" passed as the option values into those values', () => {
    expect(expandFilter(['$everything'], {}, srv)).toEqual(['a', 'b', 'c']);
  });

  it('reads "All" with a custom all value as no filter instead of the literal ".*"', () => {
    expect(expandFilter(['$wildcard', 'x'], {}, srv)).toEqual([]);
  });

  it('reads "All" passed as $__all (e.g. repeated panels) as no filter', () => {
    expect(expandFilter(['x', '$cluster'], { cluster: { text: 'All', value: '$__all' } }, srv)).toEqual([]);
  });

  it('prefers scoped variables (repeated panels) over the dashboard value', () => {
    expect(expandFilter(['$cluster'], { cluster: { text: 'prod-us', value: 'prod-us' } }, srv)).toEqual(['prod-us']);
  });

  it('leaves an unknown variable as typed', () => {
    expect(expandFilter(['$nosuch', '${other}'], {}, srv)).toEqual(['$nosuch', '${other}']);
  });

  it('expands text around variables into every combination', () => {
    expect(expandFilter(['redis-$env-$clusters'], {}, srv)).toEqual([
      'redis-eu-prod-eu',
      'redis-eu-prod-us',
      'redis-us-prod-eu',
      'redis-us-prod-us',
    ]);
  });

  it('turns a variable with nothing selected into no entries (= all)', () => {
    expect(expandFilter(['$none'], {}, srv)).toEqual([]);
  });
});

describe('variableOptions', () => {
  it('lists the dashboard variables as $name', () => {
    expect(variableOptions(srv)).toEqual(['$cluster', '$clusters', '$everything', '$wildcard', '$none', '$env']);
  });
});
