import { test, expect } from '@grafana/plugin-e2e';

test('query editor offers the backend query types and filters', async ({
  panelEditPage,
  readProvisionedDataSource,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await panelEditPage.datasource.set(ds.name);
  const row = panelEditPage.getQueryEditorRow('A');
  await expect(row.getByRole('radio', { name: 'Certificates' })).toBeChecked();
  await expect(row.getByRole('radio', { name: 'Days remaining' })).toBeVisible();
  await expect(row.getByRole('radio', { name: 'Time series' })).toBeVisible();
  await expect(row.getByTestId('rscerts-clusters')).toBeVisible();
  await expect(row.getByTestId('rscerts-nodes')).toBeVisible();
  await expect(row.getByTestId('rscerts-certificates')).toBeVisible();
});

test('changing a choice runs the query with the new model', async ({ panelEditPage, readProvisionedDataSource }) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await panelEditPage.datasource.set(ds.name);
  const queryReq = panelEditPage.waitForQueryDataRequest((request) =>
    (request.postData() ?? '').includes('"groupBy":"cluster"')
  );
  await panelEditPage.getQueryEditorRow('A').getByRole('radio', { name: 'Cluster' }).click();
  await expect(await queryReq).toBeTruthy();
});

test('the clusters picker lists values from the backend resource', async ({
  panelEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await panelEditPage.datasource.set(ds.name);
  const resource = page.waitForResponse((response) => /\/resources\/clusters/.test(response.url()));
  await panelEditPage.getQueryEditorRow('A').getByTestId('rscerts-clusters').getByRole('combobox').click();
  expect((await resource).ok()).toBeTruthy();
});
