/** The VS Code controls the views use (from @vscode-elements), built with text only. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { el } from '../shared/dom';

export function button(
  text: string,
  label: string,
  onClick: () => void,
  options: { secondary?: boolean; testId?: string } = {},
): HTMLElement {
  const attributes: Record<string, string> = { 'aria-label': label, title: label };
  if (options.secondary !== false) attributes.secondary = '';
  if (options.testId) attributes['data-testid'] = options.testId;
  const element = el('vscode-button', attributes, text);
  element.addEventListener('click', onClick);
  return element;
}

export interface Choice {
  value: string;
  text: string;
  description?: string;
}

/** A labelled single select; `onChange` gets the chosen value. */
export function select(
  label: string,
  choices: readonly Choice[],
  value: string,
  onChange: (value: string) => void,
  testId: string,
): { element: HTMLElement; set(value: string): void } {
  const control = el('vscode-single-select', { 'aria-label': label, 'data-testid': testId });
  for (const choice of choices) {
    const option = el('vscode-option', { value: choice.value }, choice.text);
    if (choice.description) option.setAttribute('description', choice.description);
    if (choice.value === value) option.setAttribute('selected', '');
    control.append(option);
  }
  if (choices.length < 2) control.setAttribute('disabled', '');
  const typed = control as HTMLElement & { value: string };
  control.addEventListener('change', () => onChange(typed.value));
  const element = el('label', { class: 'control' }, el('span', { class: 'control-label' }, label), control);
  return { element, set: (v: string) => void (typed.value = v) };
}
