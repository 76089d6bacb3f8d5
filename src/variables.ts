import { ScopedVars } from '@grafana/data';
import { getTemplateSrv, TemplateSrv } from '@grafana/runtime';

/*
 * Expands dashboard variables inside the filter arrays (clusters, nodes, certificates) into
 * plain values. The backend matches exact values, so a multi-value variable must become several
 * array entries, never a regex or a glob like {a,b}.
 */

/** Grafana's value for "All" when the variable has no custom all value. */
const ALL_VALUE = '$__all';
/** Marks where a variable stood in the replaced text; cannot be typed into a select. */
const MARK = '\u0000';
/** `$var`, `[[var]]`, `[[var:fmt]]`, `${var}`, `${var.path}`, `${var:fmt}` (Grafana's own syntax). */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;
const WHOLE_VARIABLE = /^(?:\$(\w+)|\[\[(\w+)\]\]|\$\{(\w+)\})$/;

export function containsVariable(value: string): boolean {
  return value.includes('$') || value.includes('[[');
}

/**
 * The formatting suffix (`${var:csv}`, `[[var:regex]]`) would make Grafana join the values into one
 * string; we want the raw values, so the suffix is dropped. Built-ins (`${__from:date}`) keep theirs.
 */
function dropFormat(value: string): string {
  return value.replace(VARIABLE, (match, _plain, bracket, _bracketFmt, braced, path) => {
    const name: string | undefined = bracket ?? braced;
    if (!name || name.startsWith('__')) {
      return match;
    }
    return bracket ? `[[${name}]]` : `\${${name}${path ? `.${path}` : ''}}`;
  });
}

function isAll(value: unknown): boolean {
  return value === ALL_VALUE || (Array.isArray(value) && value.includes(ALL_VALUE));
}

interface VariableLike {
  name: string;
  current?: { value?: unknown };
  allValue?: string | null;
}

/**
 * True when the entry is exactly one variable whose "All" option is selected and which has a custom
 * all value (often `.*` or `*`). Grafana would insert that value verbatim, which means nothing as an
 * exact match, so we read it as "no filter" instead.
 */
function isCustomAll(entry: string, scopedVars: ScopedVars | undefined, templateSrv: TemplateSrv): boolean {
  const whole = WHOLE_VARIABLE.exec(entry);
  if (!whole) {
    return false;
  }
  const name = whole[1] ?? whole[2] ?? whole[3];
  if (scopedVars?.[name]) {
    return isAll(scopedVars[name]?.value);
  }
  const variable = (templateSrv.getVariables() as unknown as VariableLike[]).find((v) => v.name === name);
  return Boolean(variable?.allValue) && isAll(variable?.current?.value);
}

function cartesian(parts: string[], groups: string[][]): string[] {
  // parts alternate literal text and group indices: text, idx, text, idx, text ...
  let results = [''];
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      results = results.map((r) => r + part);
      return;
    }
    const values = groups[Number(part)] ?? [];
    results = results.flatMap((r) => values.map((v) => r + v));
  });
  return results;
}

/**
 * Expands one typed entry. Returns null when the entry means "every value" (an "All" selection),
 * which the caller turns into an empty filter.
 */
function expandEntry(entry: string, scopedVars: ScopedVars | undefined, templateSrv: TemplateSrv): string[] | null {
  if (!containsVariable(entry)) {
    return [entry];
  }
  const text = dropFormat(entry);
  if (isCustomAll(text, scopedVars, templateSrv)) {
    return null;
  }
  const groups: string[][] = [];
  let sawAll = false;
  const replaced = templateSrv.replace(text, scopedVars, (value: unknown) => {
    const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined).map(String);
    if (values.includes(ALL_VALUE)) {
      sawAll = true;
    }
    groups.push(values.filter((v) => v !== ALL_VALUE));
    return `${MARK}${groups.length - 1}${MARK}`;
  });
  if (sawAll && WHOLE_VARIABLE.test(text)) {
    return null;
  }
  // An unknown variable never reaches the formatter, so it stays as typed.
  return cartesian(replaced.split(MARK), groups);
}

/**
 * Interpolates a filter: every entry may be a literal, a variable or text around variables.
 * Multi-value variables become several entries, "All" becomes the variable's values (what Grafana
 * passes) or, when Grafana passes `$__all` or a custom all value, the empty filter (= all).
 * Unknown variables stay as typed. Empty strings and duplicates are dropped.
 */
export function expandFilter(
  values: string[] | undefined,
  scopedVars?: ScopedVars,
  templateSrv: TemplateSrv = getTemplateSrv()
): string[] {
  const out: string[] = [];
  for (const entry of values ?? []) {
    const expanded = expandEntry(entry, scopedVars, templateSrv);
    if (expanded === null) {
      return [];
    }
    out.push(...expanded);
  }
  return Array.from(new Set(out.filter((v) => v !== '')));
}

/** Dashboard variables as `$name`, offered next to the backend's values in the editors. */
export function variableOptions(templateSrv: TemplateSrv = getTemplateSrv()): string[] {
  return templateSrv.getVariables().map((v) => `$${v.name}`);
}
