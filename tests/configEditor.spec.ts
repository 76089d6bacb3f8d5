import { test, expect } from '@grafana/plugin-e2e';

test('config editor shows connection, auth and certificate settings', async ({ createDataSourceConfigPage, page }) => {
  await createDataSourceConfigPage({ type: 'seed-rscerts-datasource' });
  await expect(page.getByPlaceholder('http://prometheus:9090')).toBeVisible();
  await expect(page.getByText('Authentication')).toBeVisible();
  await expect(page.getByLabel(/^Missing-series lookback/)).toBeVisible();
});

test('config editor explains invalid certificate settings', async ({ createDataSourceConfigPage, page }) => {
  await createDataSourceConfigPage({ type: 'seed-rscerts-datasource' });
  await page.getByLabel(/^User-managed: warning \(days\)/).fill('10');
  await page.getByLabel(/^User-managed: critical \(days\)/).fill('20');
  await page.getByLabel(/^Missing-series lookback/).fill('1 hour');
  await expect(page.getByText('Critical (20 days) must not exceed warning (10 days).')).toBeVisible();
  await expect(page.getByText(/is not a Prometheus duration/)).toBeVisible();
});

test('config editor shows the rotation and drift settings and explains refused ones', async ({
  createDataSourceConfigPage,
  page,
}) => {
  await createDataSourceConfigPage({ type: 'seed-rscerts-datasource' });
  await expect(page.getByLabel(/^Rotation point \(days before expiry\)/)).toHaveAttribute('placeholder', '60');
  await expect(page.getByLabel(/^Rotation grace \(days\)/)).toHaveAttribute('placeholder', '2');
  await expect(page.getByLabel(/^Drift tolerance \(days\)/)).toHaveAttribute('placeholder', '1');
  await page.getByLabel(/^Rotation point \(days before expiry\)/).fill('30');
  await page.getByLabel(/^Rotation grace \(days\)/).fill('30');
  await page.getByLabel(/^Drift tolerance \(days\)/).fill('0');
  await expect(page.getByText('Grace (30 days) must be less than the rotation point (30 days).')).toBeVisible();
  await expect(page.getByText('Enter a number of days greater than 0, e.g. 1 or 0.5.')).toBeVisible();
});

test('"Save & test" fails without a reachable Prometheus', async ({ createDataSourceConfigPage, page }) => {
  const configPage = await createDataSourceConfigPage({ type: 'seed-rscerts-datasource' });
  await page.getByPlaceholder('http://prometheus:9090').fill('http://127.0.0.1:1');
  await expect(configPage.saveAndTest()).not.toBeOK();
});
