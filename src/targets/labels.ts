/** Every object a run creates carries this label with the run id; cleanup is one selector. */
export const RUN_ID_LABEL = 'capbench.run-id';
/** …and this one, so leftovers of any run are found. */
export const MANAGED_LABEL = 'capbench.managed';
