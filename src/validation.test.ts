import { validateDuration, validateMegabytes, validateSettings } from './validation';

describe('validateDuration', () => {
  it.each(['30m', '1h', '2h30m', '1d', '1w', '6d23h', '90s', ''])('accepts %p', (value) => {
    expect(validateDuration(value)).toBeUndefined();
  });

  it.each(['500ms', '59s', '1w1d', '1y'])('rejects %p outside the backend range 1m-7d', (value) => {
    expect(validateDuration(value)).toBe('Must be between 1m and 7d.');
  });

  it.each(['1 h', 'h', '1.5h', '30m1h', '-1h', '1H', 'soon'])('rejects %p', (value) => {
    expect(validateDuration(value)).toMatch(/not a Prometheus duration/);
  });

  it('rejects a zero window', () => {
    expect(validateDuration('0m')).toBe('Must be between 1m and 7d.');
  });
});

describe('validateMegabytes', () => {
  it.each([undefined, 1, 64, 4096])('accepts %p (the backend range 1-4096; empty = default 64)', (value) => {
    expect(validateMegabytes(value)).toBeUndefined();
  });

  it.each([0, -1, 4097, 1.5, NaN])('rejects %p', (value) => {
    expect(validateMegabytes(value)).toBe('Enter a whole number of MB between 1 and 4096.');
  });
});

describe('validateSettings', () => {
  it('checks the response limit against the backend range 1-4096 MB', () => {
    expect(validateSettings({ responseLimitMB: 64 }).responseLimitMB).toBeUndefined();
    expect(validateSettings({ responseLimitMB: 5000 }).responseLimitMB).toBe(
      'Enter a whole number of MB between 1 and 4096.'
    );
  });

  it('checks the cache TTL against the backend range 0s-5m', () => {
    expect(validateSettings({ cacheTTL: '0s' }).cacheTTL).toBeUndefined();
    expect(validateSettings({ cacheTTL: '0' }).cacheTTL).toBeUndefined();
    expect(validateSettings({ cacheTTL: '30s' }).cacheTTL).toBeUndefined();
    expect(validateSettings({ cacheTTL: '10m' }).cacheTTL).toBe('Must be between 0s and 5m.');
    expect(validateSettings({ cacheTTL: 'soon' }).cacheTTL).toMatch(/not a Prometheus duration/);
  });

  it('accepts empty settings (backend defaults)', () => {
    expect(Object.values(validateSettings({})).filter(Boolean)).toEqual([]);
  });

  it('wants whole positive days', () => {
    const errors = validateSettings({ userManagedWarningDays: 0, autoRotatedCriticalDays: 2.5 });
    expect(errors.userManagedWarningDays).toBe('Enter a whole number of days greater than 0.');
    expect(errors.autoRotatedCriticalDays).toBe('Enter a whole number of days greater than 0.');
  });

  it('keeps critical at or below warning, counting empty fields as their defaults', () => {
    expect(validateSettings({ userManagedCriticalDays: 31 }).userManagedCriticalDays).toBe(
      'Critical (31 days) must not exceed warning (30 days).'
    );
    expect(validateSettings({ autoRotatedWarningDays: 10 }).autoRotatedCriticalDays).toBe(
      'Critical (14 days) must not exceed warning (10 days).'
    );
    expect(validateSettings({ userManagedWarningDays: 14, userManagedCriticalDays: 14 }).userManagedCriticalDays).toBe(
      undefined
    );
  });
});
