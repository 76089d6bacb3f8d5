import {
  validateDays,
  validateDriftDays,
  validateDuration,
  validateGraceDays,
  validateLimit,
  validateMegabytes,
  validateSettings,
} from './validation';

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

describe('validateDays', () => {
  it.each([undefined, 1, 60, 36500])('accepts %p (whole days, 1 to the backend bound 36500)', (value) => {
    expect(validateDays(value)).toBeUndefined();
  });

  it.each([0, -1, 1.5, NaN])('rejects %p', (value) => {
    expect(validateDays(value)).toBe('Enter a whole number of days greater than 0.');
  });

  it('rejects more than 36500 days, as the backend does', () => {
    expect(validateDays(36501)).toBe('Enter at most 36500 days.');
  });
});

describe('validateGraceDays', () => {
  it.each([undefined, 0, 2, 36500])('accepts %p (0 is no grace)', (value) => {
    expect(validateGraceDays(value)).toBeUndefined();
  });

  it.each([-1, 0.5, NaN])('rejects %p', (value) => {
    expect(validateGraceDays(value)).toBe('Enter a whole number of days, 0 or more.');
  });

  it('rejects more than 36500 days', () => {
    expect(validateGraceDays(40000)).toBe('Enter at most 36500 days.');
  });
});

describe('validateDriftDays', () => {
  it.each([undefined, 1, 0.5, 7, 36500])('accepts %p (a fraction of a day is a tolerance too)', (value) => {
    expect(validateDriftDays(value)).toBeUndefined();
  });

  it.each([0, -1, NaN, Infinity])('rejects %p', (value) => {
    expect(validateDriftDays(value)).toBe('Enter a number of days greater than 0, e.g. 1 or 0.5.');
  });

  it('rejects more than 36500 days', () => {
    expect(validateDriftDays(36500.5)).toBe('Enter at most 36500 days.');
  });
});

describe('validateSettings', () => {
  it('checks the rotation point: positive whole days, at most 36500', () => {
    expect(validateSettings({ rotationDaysBeforeExpiry: 90 }).rotationDaysBeforeExpiry).toBeUndefined();
    expect(validateSettings({ rotationDaysBeforeExpiry: 0 }).rotationDaysBeforeExpiry).toBe(
      'Enter a whole number of days greater than 0.'
    );
    expect(validateSettings({ rotationDaysBeforeExpiry: 36501 }).rotationDaysBeforeExpiry).toBe(
      'Enter at most 36500 days.'
    );
  });

  it('keeps the grace below the rotation point, counting empty fields as their defaults (60 and 2)', () => {
    expect(validateSettings({ rotationGraceDays: 0 }).rotationGraceDays).toBeUndefined();
    expect(validateSettings({ rotationGraceDays: 59 }).rotationGraceDays).toBeUndefined();
    expect(validateSettings({ rotationGraceDays: 60 }).rotationGraceDays).toBe(
      'Grace (60 days) must be less than the rotation point (60 days).'
    );
    expect(validateSettings({ rotationDaysBeforeExpiry: 2 }).rotationGraceDays).toBe(
      'Grace (2 days) must be less than the rotation point (2 days).'
    );
    expect(validateSettings({ rotationDaysBeforeExpiry: 3 }).rotationGraceDays).toBeUndefined();
    expect(validateSettings({ rotationDaysBeforeExpiry: 30, rotationGraceDays: 45 }).rotationGraceDays).toBe(
      'Grace (45 days) must be less than the rotation point (30 days).'
    );
    expect(validateSettings({ rotationGraceDays: -1 }).rotationGraceDays).toBe(
      'Enter a whole number of days, 0 or more.'
    );
  });

  it('does not compare the grace with a rotation point that is itself refused', () => {
    const errors = validateSettings({ rotationDaysBeforeExpiry: -5, rotationGraceDays: 2 });
    expect(errors.rotationDaysBeforeExpiry).toBe('Enter a whole number of days greater than 0.');
    expect(errors.rotationGraceDays).toBeUndefined();
  });

  it('checks the drift tolerance: more than 0 days', () => {
    expect(validateSettings({ driftDays: 0.5 }).driftDays).toBeUndefined();
    expect(validateSettings({ driftDays: 0 }).driftDays).toBe('Enter a number of days greater than 0, e.g. 1 or 0.5.');
  });

  it('checks the thresholds against the backend bound of 36500 days', () => {
    expect(validateSettings({ userManagedWarningDays: 40000 }).userManagedWarningDays).toBe(
      'Enter at most 36500 days.'
    );
  });

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

describe('validateLimit', () => {
  it.each([undefined, 0, 1, 20, 10000])('accepts %p (empty or 0 = every series)', (value) => {
    expect(validateLimit(value)).toBeUndefined();
  });

  it.each([-1, 2.5, NaN, Infinity, 2 ** 60])('rejects %p', (value) => {
    expect(validateLimit(value)).toBe('Enter a whole number of series, 0 or more; empty keeps every series.');
  });
});
