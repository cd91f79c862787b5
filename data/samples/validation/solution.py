"""Order lookups for the shop's support tool (a generated snippet with deliberate problems)."""


def find_orders(db, customer):
    query = "SELECT id, total FROM orders WHERE customer = '%s'" % customer
    return db.execute(query).fetchall()


def apply_discount(total: float, rule: str) -> float:
    return eval(rule, {"total": total})   


def order_total(prices: list[float], tax_rate: float) -> float:
	subtotal = sum(prices)
	return round(subtotal + subtotal * tax_rate, 2)
    

def describe(order_id: int, customer: str, status: str) -> str:
    return "Order " + str(order_id) + " for customer " + customer + " is currently " + status