package io.stagecoach.runner;

import io.stagecoach.job.LogLevel;
import io.stagecoach.job.StageStatus;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.json.JsonObject;

/**
 * The report messages remote workers send to {@code stagecoach.jobs.report}, one per call a
 * handler makes on its context: {@code {"jobId", "op", "stage", ...}}.
 */
public final class RemoteReports {
  public static final String START = "stage.start";
  public static final String FINISH = "stage.finish";
  public static final String PROGRESS = "progress";
  public static final String PARAM = "param";
  public static final String LOG = "log";

  private RemoteReports() {
  }

  /** Hands one report to the reporter of the run it is about. */
  static void apply(JobReporter reporter, JsonObject report) {
    String stage = report.getString("stage");
    String op = report.getString("op", "");
    switch (op) {
      case START -> reporter.startStage(stage, report.getString("name", stage));
      case FINISH -> reporter.finishStage(stage, StageStatus.fromWire(report.getString("status", "succeeded")));
      case PROGRESS -> reporter.progress(stage, report.getDouble("progress", 0.0));
      case PARAM -> reporter.param(stage, report.getString("name"), report.getValue("value"));
      case LOG -> reporter.log(LogLevel.fromWire(report.getString("level")), stage, report.getString("message", ""));
      default -> throw StagecoachException.invalidInput("op", "unknown report op '" + op + "'");
    }
  }

  /** The message a remote context sends for one report. */
  public static JsonObject report(String jobId, String op, String stage) {
    return new JsonObject().put("jobId", jobId).put("op", op).put("stage", stage);
  }
}
