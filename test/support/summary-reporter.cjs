// Prints the plain "N passed, N failed" line CI reads, as the very last line of the run.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`
    process.once('exit', () => process.stdout.write(`\n${line}\n`))
  }
}
module.exports = SummaryReporter
