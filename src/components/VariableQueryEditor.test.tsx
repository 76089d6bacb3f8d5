import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { fakeDataSource } from '../test/datasource';
import { fakeTemplateSrv } from '../test/templateSrv';
import { VariableQueryEditor } from './VariableQueryEditor';

const templateSrv = fakeTemplateSrv([{ name: 'cluster', current: { value: 'prod-eu' }, options: ['prod-eu'] }]);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

function setup(query: object) {
  const { ds, getResource } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'] });
  const onChange = jest.fn();
  render(<VariableQueryEditor datasource={ds} query={query as never} onChange={onChange} onRunQuery={jest.fn()} />);
  return { onChange, getResource };
}

describe('VariableQueryEditor', () => {
  it('defaults to listing clusters, without a cluster filter', () => {
    setup({ refId: 'V' });
    expect(screen.getByRole('radio', { name: 'Clusters' })).toBeChecked();
    expect(screen.getByText('Every cluster that reports certificates.')).toBeInTheDocument();
    expect(screen.queryByTestId('rscerts-variable-clusters')).not.toBeInTheDocument();
  });

  it('emits the variable query JSON for nodes', () => {
    const { onChange } = setup({ refId: 'V', kind: 'clusters', clusters: [] });
    fireEvent.click(screen.getByRole('radio', { name: 'Nodes' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'V', kind: 'nodes', clusters: [] });
  });

  it('restricts certificates to clusters picked from the backend or the variables', async () => {
    const { onChange, getResource } = setup({ refId: 'V', kind: 'certificates', clusters: ['$cluster'] });
    const input = within(screen.getByTestId('rscerts-variable-clusters')).getByRole('combobox');
    await act(async () => {
      fireEvent.click(input);
    });
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('clusters', undefined));
    fireEvent.click(await screen.findByRole('option', { name: 'prod-us' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'V', kind: 'certificates', clusters: ['$cluster', 'prod-us'] });
  });
});
