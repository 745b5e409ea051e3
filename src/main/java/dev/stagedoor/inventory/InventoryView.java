package dev.stagedoor.inventory;

/** An inventory as fans see it: its facts and its units right now. */
public record InventoryView(long id, String name, int quantity, long price, int maxPerUser, int available, int held,
		int sold) {

	/** One inventory as the counts script reports it; {@code available} is derived. */
	record Counted(long id, String name, int quantity, long price, int maxPerUser, int held, int sold) {

		InventoryView view() {
			return new InventoryView(this.id, this.name, this.quantity, this.price, this.maxPerUser,
					this.quantity - this.held - this.sold, this.held, this.sold);
		}

	}

}
