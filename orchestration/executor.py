"""The executor of every MindPulse run: Dagster's in-process executor, made safe to kill.

Every step runs in the run's own process (DuckDB takes one writer process at a time), as with
`dg.in_process_executor`. Two things are added, for `make run` and UI-launched runs alike:

- before any step, the run tags itself with its process and recovers the runs of this instance
  whose process is gone, freeing the writer slot they kept (orchestration/run_processes.py);
- waiting for a pool slot sleeps, says which run holds it, stops on SIGINT/SIGTERM and ends
  after `Settings.writer_wait_seconds` (orchestration/writer_slot.py).

Dagster builds its concurrency context inside `InProcessExecutor.execute`, so `execute` is
repeated here (Dagster 1.13, dagster/_core/executor/in_process.py) with ours in its place.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import dagster as dg
from dagster._core.definitions.executor_definition import IN_PROC_CONFIG
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.api import ExecuteRunWithPlanIterable
from dagster._core.execution.context.system import PlanExecutionContext, PlanOrchestrationContext
from dagster._core.execution.context_creation_job import PlanExecutionContextManager
from dagster._core.execution.plan.execute_plan import inner_plan_execution_iterator
from dagster._core.execution.plan.plan import ExecutionPlan
from dagster._core.execution.retries import RetryMode
from dagster._core.execution.step_dependency_config import StepDependencyConfig
from dagster._core.executor.in_process import InProcessExecutor

from orchestration.run_processes import process_tags, recover_dead_runs, this_process
from orchestration.settings import Settings
from orchestration.writer_slot import BoundedSlotWait

# Log records carrying this attribute are also progress lines for `make run`
# (orchestration/progress.py prints them): {"step", "assets", "text", "failed"}.
PROGRESS_NOTICE = "mindpulse_progress_notice"


def notify(
    log: logging.Logger,
    text: str,
    step_key: str | None = None,
    assets: list[str] | None = None,
    failed: bool = False,
) -> None:
    """Log `text` to the run (the UI shows it) and to make run's progress lines."""
    notice = {"step": step_key, "assets": assets or [], "text": text, "failed": failed}
    (log.error if failed else log.warning)(text, extra={PROGRESS_NOTICE: notice})


def _step_assets(job_context: PlanExecutionContext, step_key: str) -> list[str]:
    """The assets a step materializes, as progress lines name them."""
    step = job_context.execution_plan.get_step_by_key(step_key)
    assets_def = job_context.job_def.asset_layer.get_assets_def_for_node(step.node_handle)
    return sorted(key.to_user_string() for key in assets_def.keys) if assets_def else []


def prepare_run(context: PlanOrchestrationContext) -> None:
    """Tag the run with this process, then recover runs whose process is gone."""
    instance, run = context.instance, context.dagster_run
    tags = process_tags(this_process())
    if any(run.tags.get(key) != value for key, value in tags.items()):
        instance.add_run_tags(run.run_id, tags)
    for recovered in recover_dead_runs(instance, exclude_run_id=run.run_id):
        notify(context.log, recovered.line())


class MindPulseExecutor(InProcessExecutor):
    def __init__(
        self,
        retries: RetryMode,
        step_dependency_config: StepDependencyConfig,
        writer_wait_seconds: float,
    ):
        super().__init__(retries=retries, step_dependency_config=step_dependency_config)
        self.writer_wait_seconds = writer_wait_seconds

    def _steps(
        self, job_context: PlanExecutionContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        def report(step_key: str, text: str, failed: bool) -> None:
            assets = _step_assets(job_context, step_key) if failed else []
            notify(job_context.log, text, step_key, assets, failed)

        with BoundedSlotWait(
            job_context.instance, job_context.dagster_run, self.writer_wait_seconds, report
        ) as slots:
            yield from inner_plan_execution_iterator(job_context, execution_plan, slots)

    def execute(
        self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        prepare_run(plan_context)
        step_keys = execution_plan.step_keys_to_execute
        yield DagsterEvent.engine_event(
            plan_context,
            f"Executing steps in process (pid: {os.getpid()})",
            event_specific_data=EngineEventData.in_process(os.getpid(), step_keys),
        )
        yield from ExecuteRunWithPlanIterable(
            execution_plan=plan_context.execution_plan,
            iterator=self._steps,
            execution_context_manager=PlanExecutionContextManager(
                job=plan_context.job,
                retry_mode=plan_context.retry_mode,
                execution_plan=plan_context.execution_plan,
                run_config=plan_context.run_config,
                dagster_run=plan_context.dagster_run,
                instance=plan_context.instance,
                raise_on_error=plan_context.raise_on_error,
                output_capture=plan_context.output_capture,
                step_dependency_config=self.step_dependency_config,
            ),
        )
        yield DagsterEvent.engine_event(
            plan_context,
            f"Finished steps in process (pid: {os.getpid()})",
            event_specific_data=EngineEventData.in_process(os.getpid(), step_keys),
        )


def build_executor(settings: Settings) -> dg.ExecutorDefinition:
    """The in-process executor with MindPulse's slot wait, configured like Dagster's own."""

    @dg.executor(name="mindpulse_in_process", config_schema=IN_PROC_CONFIG)
    def mindpulse_in_process(init_context: dg.InitExecutorContext) -> MindPulseExecutor:
        config = init_context.executor_config
        return MindPulseExecutor(
            retries=RetryMode.from_config(config["retries"]),
            step_dependency_config=StepDependencyConfig.from_config(
                config.get("step_dependency_config")
            ),
            writer_wait_seconds=settings.writer_wait_seconds,
        )

    return mindpulse_in_process
