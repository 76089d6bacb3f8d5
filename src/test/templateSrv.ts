import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

/*
 * Test double for Grafana's TemplateSrv that follows its documented behaviour closely enough to
 * exercise our expansion: multi values arrive as arrays, "All" as the option values or (with a
 * custom all value) as that raw value without calling the formatter, as Scenes does, an explicit
 * `:format` wins over the caller's format, unknown variables are left untouched.
 */

export interface FakeVariable {
  name: string;
  current: { value: string | string[]; text?: string | string[] };
  options: string[];
  allValue?: string;
}

const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function applyFormat(value: string | string[], format: string | undefined): string {
  const values = Array.isArray(value) ? value : [value];
  switch (format) {
    case 'csv':
      return values.join(',');
    case 'pipe':
      return values.join('|');
    default:
      return values.length > 1 ? `{${values.join(',')}}` : values.join('');
  }
}

export function fakeTemplateSrv(variables: FakeVariable[]): TemplateSrv {
  return {
    getVariables: () => variables as unknown as ReturnType<TemplateSrv['getVariables']>,
    containsTemplate: (target?: string) => Boolean(target && new RegExp(VARIABLE.source).test(target)),
    updateTimeRange: () => {},
    replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
      return (target ?? '').replace(VARIABLE, (match, plain, bracket, bracketFmt, braced, _path, bracedFmt) => {
        const name = plain ?? bracket ?? braced;
        const explicitFormat: string | undefined = bracketFmt ?? bracedFmt;
        let value: string | string[];
        const scoped = scopedVars?.[name];
        const variable = variables.find((v) => v.name === name);
        if (scoped) {
          value = scoped.value;
        } else if (!variable) {
          return match;
        } else {
          const current = variable.current.value;
          const all = current === '$__all' || (Array.isArray(current) && current.includes('$__all'));
          if (all && variable.allValue) {
            return variable.allValue; // custom all value: inserted verbatim, formatter not called
          }
          value = all ? variable.options : current;
        }
        if (explicitFormat || typeof format !== 'function') {
          return applyFormat(value, explicitFormat ?? (format as string | undefined));
        }
        return format(value, variable, applyFormat);
      });
    },
  };
}
