package dev.simul.runner;

/** Opens {@link RunnerContract} to runner tests in other packages (modes that live in their own package). */
public abstract class RunnerContractAccess extends RunnerContract {

    @Override
    protected abstract Runner newRunner(int workers);
}
