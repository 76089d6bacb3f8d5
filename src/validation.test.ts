import { validateDuration, validateSettings } from './validation';

describe('validateDuration', () => {
  it.each(['30m', '1h', '2h30m', '1d', '1w2d', '90s', '500ms', ''])('accepts %p', (value) => {
    expect(validateDuration(value)).toBeUndefined();
  });

  it.each(['1 h', 'h', '1.5h', '30m1h', '-1h', '1H', 'soon'])('rejects %p', (value) => {
    expect(validateDuration(value)).toMatch(/not a Prometheus duration/);
  });

  it('rejects a zero window', () => {
    expect(validateDuration('0m')).toBe('The lookback must be longer than 0.');
  });
});

describe('validateSettings', () => {
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
