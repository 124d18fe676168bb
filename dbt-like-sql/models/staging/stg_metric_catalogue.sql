-- Mirror of libs/domain/src/metrics.ts (kept in step by a test in libs/sql-runner).
SELECT * FROM (VALUES
  ('outflow_to_work',          'higher_is_better', 'wilson',     false),
  ('outflow_to_work_adjusted', 'higher_is_better', 'byar_ratio', false),
  ('sustained_outflow',        'higher_is_better', 'wilson',     false),
  ('satisfaction_mean',        'higher_is_better', 't_mean',     false),
  ('satisfaction_share',       'higher_is_better', 'wilson',     false),
  ('cost_per_case',            'lower_is_better',  'none',       false),
  ('cost_per_exit_to_work',    'lower_is_better',  'none',       false),
  ('lead_time_days',           'lower_is_better',  'none',       true),
  ('joint_plan_share',         'higher_is_better', 'wilson',     true)
) AS t(metric, polarity, method, is_process)
