package dev.stagedoor.web;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Hooks;

import dev.stagedoor.support.TransientFailures;

/**
 * A client that goes away mid-request or mid-response (a load generator closing its
 * connections, a closed browser tab) is no error of the service: nobody is left to read an
 * answer and nothing went wrong here. Such failures are logged at DEBUG, never as ERROR with a
 * stack trace: by {@link ProblemExceptionHandler} when they reach the web handler, and here when
 * Reactor drops them because the exchange had already ended (an aborted request body reports
 * the reset twice, and the second report has no subscriber left; Reactor's default logs it as
 * ERROR "Operator called default onErrorDropped"). Every other dropped error is still logged
 * at ERROR with its stack trace, as Reactor's default does.
 */
@Component
class ClientAborts implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(ClientAborts.class);

	/** Reactor's hooks are global and additive: one per JVM, however many contexts (tests) start. */
	private static final AtomicBoolean installed = new AtomicBoolean();

	@Override
	public void afterPropertiesSet() {
		if (installed.compareAndSet(false, true)) {
			Hooks.onErrorDropped(ClientAborts::dropped);
		}
	}

	static void dropped(Throwable ex) {
		if (is(ex)) {
			log.debug("Client went away after its exchange ended: {}", ex.toString());
		}
		else {
			log.error("Operator called default onErrorDropped", ex);
		}
	}

	/**
	 * The connection to the client is gone: Reactor Netty's {@code AbortedException}, "broken
	 * pipe" / "connection reset by peer" (Spring's list, which leaves Spring's store and
	 * client-call failures out), or a write to the client's channel after it closed. A store's
	 * own connection failing (Lettuce, R2DBC: the same phrases can be their causes) is not a
	 * client abort but a 503 ({@link TransientFailures#isTransient}).
	 */
	static boolean is(Throwable ex) {
		if (TransientFailures.isTransient(ex)) {
			return false;
		}
		return ex instanceof ClosedChannelException || DisconnectedClientHelper.isClientDisconnectedException(ex);
	}

}
