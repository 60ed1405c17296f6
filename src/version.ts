/** The report format version (schema/report.schema.json) and the tool version. */
export const REPORT_VERSION = '1.0';
export const TOOL_VERSION = '0.1.0';
