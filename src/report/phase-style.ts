/** How report.html names and shades the move's phases (record/verdict.ts PHASES), in tables and charts alike. */
import type { Phase } from '../record/verdict.js';

export const PHASE_STYLE: Readonly<Record<Phase, { readonly name: string; readonly fill: string }>> = {
  beforeTrigger: { name: 'before the trigger', fill: '#e3e6e8' },
  preCopy: { name: 'pre-copy (trigger to pause)', fill: '#cfe5f7' },
  switchOver: { name: 'switch-over (pause to switch)', fill: '#ffc680' },
  afterSwitch: { name: 'after the switch (to completion)', fill: '#c6eac9' },
  afterCompletion: { name: 'after completion', fill: '#e8d5f1' },
};
