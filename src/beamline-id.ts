/** The beamline id rule shared by config and inputs: digits separated by dots (8.3.2, 7.0.1.2). */
export const BEAMLINE_ID = /^\d+(\.\d+)+$/;
