/** Person rules for the records management system: thresholds, placeholders, phone numbers and match before create. */
export * from './placeholders';
export * from './phone';
export * from './evaluate';
export * from './match';
export * from './plan';
export * from './text';
