# One warehouse for loads, dbt, ML and the dashboard: the weekly batch is small, and an X-Small
# that suspends after a minute costs only the minutes it runs. Size and suspension are fixed
# here rather than variables: resizing is a cost decision to review in code, not a tfvars edit.
resource "snowflake_warehouse" "mindpulse" {
  name           = "${var.name_prefix}_WH"
  comment        = "MindPulse pipeline and dashboard queries."
  warehouse_size = "XSMALL"
  # Snowflake bills at least 60 seconds per resume, so a shorter suspension saves nothing.
  auto_suspend        = 60
  auto_resume         = "true"
  initially_suspended = true
  # A runaway query should not burn credits for Snowflake's default two days.
  statement_timeout_in_seconds = 3600
}
