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
  await expect(row.getByRole('radio', { name: 'Renewals' })).toBeVisible();
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

test('a days query offers its value, and sends the one picked', async ({
  panelEditPage,
  readProvisionedDataSource,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await panelEditPage.datasource.set(ds.name);
  const row = panelEditPage.getQueryEditorRow('A');
  await expect(row.getByRole('radiogroup', { name: 'Value' })).toHaveCount(0);
  await row.getByRole('radiogroup', { name: 'Query type' }).getByRole('radio', { name: 'Days remaining' }).click();
  const value = row.getByRole('radiogroup', { name: 'Value' });
  await expect(value.getByRole('radio', { name: 'Days remaining' })).toBeChecked();
  const queryReq = panelEditPage.waitForQueryDataRequest((request) =>
    (request.postData() ?? '').includes('"value":"behind"')
  );
  await value.getByRole('radio', { name: 'Days behind' }).click();
  await expect(await queryReq).toBeTruthy();
});

test('a renewals query offers neither group by nor statuses', async ({ panelEditPage, readProvisionedDataSource }) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await panelEditPage.datasource.set(ds.name);
  const row = panelEditPage.getQueryEditorRow('A');
  await expect(row.getByTestId('rscerts-statuses')).toBeVisible();
  const queryReq = panelEditPage.waitForQueryDataRequest((request) =>
    (request.postData() ?? '').includes('"queryType":"renewals"')
  );
  await row.getByRole('radio', { name: 'Renewals' }).click();
  await expect(await queryReq).toBeTruthy();
  await expect(row.getByRole('radiogroup', { name: 'Group by' })).toHaveCount(0);
  await expect(row.getByTestId('rscerts-statuses')).toHaveCount(0);
});

test('a new annotation starts on renewals, with expiries as the other choice', async ({
  annotationEditPage,
  readProvisionedDataSource,
  page,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'datasources.yml' });
  await annotationEditPage.datasource.set(ds.name);
  const types = page.getByRole('radiogroup', { name: 'Query type' });
  await expect(types.getByRole('radio', { name: 'Renewals' })).toBeChecked();
  await expect(types.getByRole('radio', { name: 'Certificates' })).toBeVisible();
  await expect(types.getByRole('radio')).toHaveCount(2);
  await expect(annotationEditPage.runQuery()).toBeOK();
});
