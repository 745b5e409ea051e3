package dev.stagedoor.concert;

public record Concert(long id, String title, String venue) {
}
