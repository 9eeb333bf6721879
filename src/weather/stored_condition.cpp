#include "weather/weather.h"

namespace jogtrack::weather {

StoredCondition::StoredCondition(AsStored, std::string json) : json_(std::move(json)) {}

StoredCondition::StoredCondition() {
  static const std::string empty = condition_to_json(Condition{});
  json_ = empty;
}

// Not kept typed: what is kept must be what the text reads back as (a NaN, say, is written as null).
StoredCondition::StoredCondition(const Condition& typed) : json_(condition_to_json(typed)) {}

StoredCondition StoredCondition::from_json(std::string json) { return StoredCondition(AsStored{}, std::move(json)); }

const Condition* StoredCondition::typed() const {
  if (!decoded_) {
    typed_ = stored_condition_from_json(json_);
    decoded_ = true;
  }
  return typed_ ? &*typed_ : nullptr;
}

}  // namespace jogtrack::weather
