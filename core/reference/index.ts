/** Reference patterns, Europe/London periods and check characters for force references. */
export * from './checkCharacter';
export * from './london';
export * from './pattern';
export * from './format';
