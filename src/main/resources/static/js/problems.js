// Every problem `code` the API documents (ProblemCode, README "problem codes"), as a sentence
// a fan or an admin can act on. WebClientProblemTableTests checks that this table covers the
// catalog exactly. Details the problem carries (seat ids, limits, balances) are added by
// describe() below.
export const PROBLEM_SENTENCES = {
	'validation-failed': 'Something in the request was not valid.',
	'malformed-request': 'The request could not be read. Please reload the page and try again.',
	'unauthorized': 'Your session has ended. Please sign in again.',
	'forbidden': 'This page is for administrators only.',
	'not-admitted': 'Your turn in the waiting room is over or has not come yet. Please join the waiting room again.',
	'not-found': 'That page does not exist.',
	'concert-not-found': 'This concert does not exist (any more).',
	'not-in-queue': 'You are not in this waiting room (your place may have lapsed).',
	'not-in-waiting-list': 'You are not on the waiting list for this performance.',
	'schedule-not-found': 'This performance does not exist (any more).',
	'seat-not-found': 'Some of the seats you picked are not part of this performance.',
	'inventory-not-found': 'Some of the tickets you picked are not sold for this performance.',
	'reservation-not-found': 'This reservation could not be found.',
	'method-not-allowed': 'This action is not possible here.',
	'not-acceptable': 'The server cannot answer in a format this page understands.',
	'seat-unavailable': 'Sorry, someone else was faster: some of your seats were just taken.',
	'inventory-unavailable': 'Sorry, there are not enough tickets of this kind left.',
	'inventory-name-taken': 'There is already a ticket type with this name.',
	'invalid-state': 'This reservation can no longer be changed that way (it may have expired or been cancelled).',
	'payment-in-progress': 'A payment for this reservation is already under way. Please wait a moment.',
	'cancel-deadline-passed': 'It is too late to cancel: the cancellation deadline has passed.',
	'schedule-started': 'This performance has already started; tickets are no longer sold.',
	'not-sold-out': 'What you asked for is still available: hold it instead of joining the waiting list.',
	'insufficient-points': 'Your points balance does not cover the price.',
	'payload-too-large': 'The request was too large.',
	'unsupported-media-type': 'The request was sent in a format the server does not accept.',
	'seat-limit-exceeded': 'You have reached the number of seats one fan may buy for this performance.',
	'inventory-limit-exceeded': 'You have reached the number of tickets of this kind one fan may buy.',
	'idempotency-key-reused': 'This payment request was already used for a different amount. Please try again.',
	'balance-limit-exceeded': 'Your balance would go over the largest balance allowed.',
	'charge-limit-exceeded': 'That is more points than can be bought at once.',
	'internal-error': 'Something went wrong on our side. Please try again.',
	'unavailable': 'The box office is very busy right now. Please try again in a moment.',
	'overloaded': 'So many fans are here right now that the box office is catching its breath. Please try again in a moment.',
	'rate-limited': 'That was a lot of clicks in a short time. Please wait a moment before trying again.',
	'hold-cooldown': 'Seats you held for this performance lapsed several times, so holding is paused for you for a while.',
};

/** A human sentence for a problem+json body (or a network failure), never the raw JSON. */
export function describe(problem) {
	if (!problem || !problem.code) {
		return 'The box office could not be reached. Please check your connection and try again.';
	}
	let sentence = PROBLEM_SENTENCES[problem.code] || 'Something went wrong. Please try again.';
	if (problem.code === 'seat-limit-exceeded' && problem.limit != null) {
		sentence += ` (at most ${problem.limit} seats per fan.)`;
	}
	else if (problem.code === 'insufficient-points' && problem.balance != null) {
		sentence += ` (balance ${problem.balance}, price ${problem.amount}.)`;
	}
	else if (problem.code === 'validation-failed' && problem.field) {
		sentence = `Please check “${problem.field}”: ${problem.detail || 'it is not valid.'}`;
	}
	else if (['rate-limited', 'hold-cooldown', 'overloaded'].includes(problem.code) && problem.retryAfterSeconds != null) {
		sentence += ` (try again in ${problem.retryAfterSeconds} s.)`;
	}
	else if (problem.code === 'unavailable' || problem.code === 'internal-error') {
		// nothing to add: details are not for the fan
	}
	return sentence;
}
