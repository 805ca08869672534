"""Everything users hand in, read and checked; every file the package writes, written safely.

Import each name from the module that owns it (this package re-exports nothing, so that its
modules can sit on both sides of :mod:`mcdm.instance`):

- :mod:`mcdm.io.data`: the data folder (members, elements, availability, archetypes,
  parameters): ``load_dataset``, ``dataset_from_texts``, the one dataset digest.
- :mod:`mcdm.io.scenario`: scenario files: ``read_scenario``, ``scenario_from_mapping``, the
  schema and ranges, ``scenario_keys``, and the TOML writer ``dump_scenario_toml``.
  Beside it, :mod:`mcdm.io.ranges` (the ranges of a scenario's values),
  :mod:`mcdm.io.profiles` (its stakeholder profiles) and :mod:`mcdm.io.scenario_toml` (the
  writer), whose public names :mod:`mcdm.io.scenario` re-exports.
- :mod:`mcdm.io.load`: a scenario file with its data, references checked: ``load_scenario``,
  ``load_instance`` (above :mod:`mcdm.instance`).
- :mod:`mcdm.io.matrix`: decision matrices for ``mcdm rank``: ``read_matrix``.
- :mod:`mcdm.io.validate`: the ``mcdm validate`` command.
- :mod:`mcdm.io.write`: the one atomic writer, of a file and of a folder of tables.
- :mod:`mcdm.io.schema`: the CSV columns and overridable settings, an archetype's checks.
- ``_values``, ``_parse``, ``_keys``: cells and numbers, CSV and TOML text, and the keys each
  settings table allows, shared by the modules above.

Validation is lazy: every problem of every input is collected and raised together in one
:class:`~mcdm.errors.InputError`, each with its file (or source), row (header = row 1), column
or key, the value found and what was expected. Core code trusts what this package returns.
"""
